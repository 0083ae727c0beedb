const { execSync } = require("child_process");
const fs = require("fs");
const zlib = require("zlib");

function rotateLogs() {
  // Runs from cron, outside the server: synchronous is fine here.
  execSync("logrotate /etc/logrotate.d/billing");
  return fs.readdirSync("/var/log/billing");
}

async function exportLedger(db) {
  const rows = await db.query("SELECT * FROM ledger WHERE exported = false LIMIT 1000");
  const archive = zlib.gzipSync(Buffer.from(JSON.stringify(rows)));
  await fs.promises.writeFile("/exports/ledger.json.gz", archive);
}

module.exports = { rotateLogs, exportLedger };
