"""The local stack: DynamoDB Local, an S3 emulator, the API and pages, a stream runner and a scheduler,
all on the loopback address. `python -m local.run` (what `make run` calls) starts everything."""
