"""boto3 peer of bench_batch_write: the same items through Table.batch_writer().

usage: boto3_batch_write.py ENDPOINT ROWS [TABLE]

TABLE defaults to "bench" (key pk S HASH, sk N RANGE); the null endpoint accepts any name,
DynamoDB Local needs the table to exist (bench/sink_e2e.sh creates it).

batch_writer buffers puts and sends BatchWriteItem requests of 25 items, one at a time, which
is how boto3 users write in bulk. Runs with Debian's python3-boto3 (/usr/bin/python3). Prints
the same line as bench_batch_write: rows= seconds= rows_per_s= cpu_user= cpu_sys= errors=.
"""
import resource
import sys
import time
from decimal import Decimal

import boto3


def make_item(i):
    return {
        "pk": f"user#{i % 100000}",
        "sk": Decimal(i),
        "name": f"name-{i}",
        "score": Decimal(f"{i % 1000}.25"),
        "active": i % 2 == 0,
        "tags": ["red", "green", f"tag-{i % 7}"],
        "attrs": {"city": "Lisbon", "zip": Decimal(1000 + i % 9000)},
    }


def main():
    endpoint, rows = sys.argv[1], int(sys.argv[2])
    table_name = sys.argv[3] if len(sys.argv) > 3 else "bench"
    resource_ = boto3.resource(
        "dynamodb",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="AKIDBENCHMARKKEY",
        aws_secret_access_key="benchmark-secret-access-key",
    )
    table = resource_.Table(table_name)
    start = time.monotonic()
    with table.batch_writer() as writer:
        for i in range(rows):
            writer.put_item(Item=make_item(i))
    seconds = time.monotonic() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(f"rows={rows} seconds={seconds:.3f} rows_per_s={rows / seconds:.0f} "
          f"cpu_user={usage.ru_utime:.3f} cpu_sys={usage.ru_stime:.3f} errors=0")


if __name__ == "__main__":
    main()
