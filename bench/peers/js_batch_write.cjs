// AWS SDK for JavaScript v3 peer of bench_batch_write: the same items through
// BatchWriteItemCommand of @aws-sdk/client-dynamodb (installed by scripts/install-deps --bench
// into .cache/node/node_modules; run with NODE_PATH pointing there).
//
// usage: node js_batch_write.cjs ENDPOINT ROWS [IN_FLIGHT] [TABLE]
//
// TABLE defaults to "bench" (key pk S HASH, sk N RANGE); the null endpoint accepts any name,
// DynamoDB Local needs the table to exist (bench/sink_e2e.sh creates it).
//
// For a fair comparison it uses a keep-alive agent and keeps IN_FLIGHT (default 64) calls
// outstanding, and writes AttributeValues directly (no marshalling layer). Prints the same line
// as bench_batch_write.
"use strict";
const http = require("http");
const { DynamoDBClient, BatchWriteItemCommand } = require("@aws-sdk/client-dynamodb");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

function makeItem(i) {
  return {
    pk: { S: `user#${i % 100000}` },
    sk: { N: String(i) },
    name: { S: `name-${i}` },
    score: { N: `${i % 1000}.25` },
    active: { BOOL: i % 2 === 0 },
    tags: { L: [{ S: "red" }, { S: "green" }, { S: `tag-${i % 7}` }] },
    attrs: { M: { city: { S: "Lisbon" }, zip: { N: String(1000 + (i % 9000)) } } },
  };
}

async function main() {
  const [endpoint, rowsText, inFlightText, tableText] = process.argv.slice(2);
  const table = tableText || "bench";
  const rows = Number(rowsText);
  const inFlight = Number(inFlightText || 64);
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const client = new DynamoDBClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDBENCHMARKKEY", secretAccessKey: "benchmark-secret-access-key" },
    requestHandler: new NodeHttpHandler({ httpAgent: agent }),
  });
  let next = 0;
  let written = 0;
  let errors = 0;
  const start = process.hrtime.bigint();
  async function worker() {
    while (next < rows) {
      const first = next;
      const end = Math.min(rows, next + 25);
      next = end;
      const requests = [];
      for (let i = first; i < end; i++) requests.push({ PutRequest: { Item: makeItem(i) } });
      try {
        const out = await client.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
        if (out.UnprocessedItems && Object.keys(out.UnprocessedItems).length > 0) errors++;
        else written += end - first;
      } catch (e) {
        errors++;
        if (errors === 1) console.error(`js_batch_write: ${e}`);
      }
    }
  }
  await Promise.all(Array.from({ length: inFlight }, worker));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const cpu = process.cpuUsage();
  console.log(`rows=${written} seconds=${seconds.toFixed(3)} rows_per_s=${(written / seconds).toFixed(0)} ` +
              `cpu_user=${(cpu.user / 1e6).toFixed(3)} cpu_sys=${(cpu.system / 1e6).toFixed(3)} errors=${errors}`);
  client.destroy();
  agent.destroy();
  process.exit(errors ? 1 : 0);
}

main();
