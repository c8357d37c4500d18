"""Creates tables from the CloudFormation definitions in infra/tables.json (the local stack and the tests; the
Lambda bundle has no infra/, so this lives in local/)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

TABLES_FILE = Path(__file__).resolve().parents[1] / "infra" / "tables.json"


def table_definitions(path: Path = TABLES_FILE) -> dict[str, dict[str, Any]]:
    """Logical table name → the table's CloudFormation Properties."""
    template = json.loads(path.read_text(encoding="utf-8"))
    return {
        resource["Metadata"]["cuocthi:table"]: resource["Properties"]
        for resource in template["Resources"].values()
        if resource["Type"] == "AWS::DynamoDB::Table"
    }


def create_table_request(name: str, props: dict[str, Any]) -> dict[str, Any]:
    request = {
        "TableName": name,
        "BillingMode": props["BillingMode"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
    }
    if "GlobalSecondaryIndexes" in props:
        request["GlobalSecondaryIndexes"] = props["GlobalSecondaryIndexes"]
    if "StreamSpecification" in props:
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    return request


def add_missing_indexes(client, name: str, props: dict[str, Any]) -> list[str]:
    """Adds to an existing table the indexes infra/tables.json gives it and it lacks (data of an older version
    kept in .local/), one at a time as DynamoDB requires; returns their names."""
    table = client.describe_table(TableName=name)["Table"]
    present = {index["IndexName"] for index in table.get("GlobalSecondaryIndexes", [])}
    added = []
    for index in props.get("GlobalSecondaryIndexes", []):
        if index["IndexName"] in present:
            continue
        attributes = {key["AttributeName"] for key in index["KeySchema"]}
        client.update_table(TableName=name, GlobalSecondaryIndexUpdates=[{"Create": index}],
                            AttributeDefinitions=[a for a in props["AttributeDefinitions"]
                                                  if a["AttributeName"] in attributes])
        client.get_waiter("table_exists").wait(TableName=name)
        added.append(index["IndexName"])
    return added


def _same_keys(client, name: str, props: dict[str, Any]) -> None:
    """Data of an older version whose table keys changed cannot be upgraded in place: say so and stop."""
    keys = client.describe_table(TableName=name)["Table"]["KeySchema"]
    if keys != props["KeySchema"]:
        raise SystemExit(f"{name} is keyed {[k['AttributeName'] for k in keys]} in the stored data, "
                         f"{[k['AttributeName'] for k in props['KeySchema']]} in this version: move .local/ "
                         f"away (or delete it) to start the local stack afresh")


def create_tables(client, prefix: str, path: Path = TABLES_FILE) -> list[str]:
    """Creates each missing table (and its TTL setting) named `prefix + logical name`, and the indexes an
    existing one lacks; returns the names of the tables created."""
    existing = set(client.list_tables()["TableNames"])
    created = []
    for logical, props in table_definitions(path).items():
        name = prefix + logical
        if name in existing:
            _same_keys(client, name, props)
            add_missing_indexes(client, name, props)
            continue
        client.create_table(**create_table_request(name, props))
        client.get_waiter("table_exists").wait(TableName=name)
        ttl = props.get("TimeToLiveSpecification")
        if ttl:
            client.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
        created.append(name)
    return created

