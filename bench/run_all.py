"""`make bench`: every benchmark, one after another, each printing its figures."""
from bench import aggregator, cold_start, finalize_memory, write_path

if __name__ == "__main__":
    for benchmark in (write_path, aggregator, cold_start, finalize_memory):
        benchmark.main()
        print()
