"""A data folder of an older version (`make run` keeps `.local/`) gains the indexes infra/tables.json has added
since, so the code that queries them works on it."""
import boto3
import pytest
from moto import mock_aws

from local.schema import create_table_request, create_tables, table_definitions


def test_an_older_participants_table_gains_its_indexes():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-1")
        props = table_definitions()["participants"]
        older = {key: value for key, value in props.items() if key != "GlobalSecondaryIndexes"}
        older["AttributeDefinitions"] = [a for a in props["AttributeDefinitions"]
                                         if a["AttributeName"] == "participant_id"]
        client.create_table(**create_table_request("old-participants", older))
        create_tables(client, "old-")
        table = client.describe_table(TableName="old-participants")["Table"]
        assert sorted(index["IndexName"] for index in table["GlobalSecondaryIndexes"]) == sorted(
            index["IndexName"] for index in props["GlobalSecondaryIndexes"])
        assert create_tables(client, "old-") == []          # nothing left to create or add


def test_a_table_stored_with_other_keys_stops_the_upgrade_with_a_clear_message():
    with mock_aws():
        client = boto3.client("dynamodb", region_name="ap-southeast-1")
        older = {"BillingMode": "PAY_PER_REQUEST", "KeySchema": [{"AttributeName": "attempt_id", "KeyType": "HASH"}],
                 "AttributeDefinitions": [{"AttributeName": "attempt_id", "AttributeType": "S"}]}
        client.create_table(**create_table_request("old-attempts", older))
        with pytest.raises(SystemExit, match="move .local/ away"):
            create_tables(client, "old-")
