"""Checks that dynasink's client and the AWS CLI agree on a table and its items (scripts/demo).

usage: json_agree.py OURS_DESCRIBE CLI_DESCRIBE OURS_SCAN CLI_SCAN

Compares the table's name, status, key schema, attribute definitions and billing mode, and the
scanned items as sets. Exits 1 with the differences when they disagree.
"""
import json
import sys


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def table_facts(doc):
    t = doc["Table"]
    return {
        "TableName": t["TableName"],
        "TableStatus": t["TableStatus"],
        "KeySchema": t["KeySchema"],
        "AttributeDefinitions": sorted(t["AttributeDefinitions"], key=lambda a: a["AttributeName"]),
        "BillingMode": t.get("BillingModeSummary", {}).get("BillingMode"),
    }


def items(doc):
    return sorted(json.dumps(i, sort_keys=True) for i in doc["Items"])


def main():
    ours_t, cli_t, ours_s, cli_s = (load(p) for p in sys.argv[1:5])
    problems = []
    a, b = table_facts(ours_t), table_facts(cli_t)
    for key in a:
        if a[key] != b[key]:
            problems.append(f"DescribeTable {key}: dynasink {a[key]!r}, AWS CLI {b[key]!r}")
    if items(ours_s) != items(cli_s):
        problems.append(f"Scan items differ:\n  dynasink {items(ours_s)}\n  AWS CLI  {items(cli_s)}")
    if problems:
        print("\n".join(problems))
        sys.exit(1)
    keys = ", ".join(f"{k['AttributeName']} {k['KeyType']}" for k in a["KeySchema"])
    print(f"agree: table {a['TableName']} ({a['TableStatus']}, key {keys}, {a['BillingMode']}) "
          f"and the same {len(ours_s['Items'])} items through both clients")


if __name__ == "__main__":
    main()
