"""A data folder of an older version (`make run` keeps `.local/`) gains the indexes infra/tables.json has added
since, so the code that queries them works on it."""
import boto3
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
