// Tools service (Express): conversions, deployments, rule previews.
const express = require("express");
const { exec, execFile, spawn } = require("child_process");
const { promisify } = require("util");
const shell = require("shelljs");
const vm = require("vm");
const serialize = require("node-serialize");
const ejs = require("ejs");
const _ = require("lodash");

const run = promisify(exec);
const app = express();
app.use(express.json());

const PAGE = "<h1>Hello <%= name %></h1>";
const footer = _.template("<footer><%- owner %></footer>");

app.post("/convert", (req, res) => {
  const { input } = req.body;
  exec(`convert ${input} out.png`, (err) => res.json({ ok: !err })); // expect: command-injection
  execFile("convert", ["--", input, "out.png"], (err) => res.json({ ok: !err }));
});

app.get("/grep", async (req, res) => {
  const { stdout } = await run("grep -rn " + req.query.q + " /srv/docs"); // expect: command-injection
  const safe = await promisify(execFile)("grep", ["-rn", "--", String(req.query.q), "/srv/docs"]);
  res.send(stdout + safe.stdout);
});

app.post("/deploy", (req, res) => {
  const branch = req.body.branch;
  spawn("sh", ["-c", `git checkout ${branch} && make deploy`]); // expect: command-injection
  spawn("sh", ["-c", 'git checkout "$1" && make deploy', "sh", branch]);
  shell.exec("git log " + req.query.range); // expect: command-injection
  spawn("git", ["log", "--", req.query.range]);
  res.sendStatus(202);
});

app.post("/rules/test", (req, res) => {
  const { condition, sample } = req.body;
  const check = new Function("item", `return (${condition});`); // expect: code-injection
  const score = vm.runInNewContext(req.body.formula, { sample }); // expect: code-injection
  const parsed = JSON.parse(req.body.payload);
  setTimeout(() => console.info("tested", parsed.id), 1000);
  res.json({ matched: check(sample), score });
});

app.post("/profile", (req, res) => {
  const profile = serialize.unserialize(req.cookies.profile); // expect: unsafe-deserialization
  const plain = JSON.parse(req.cookies.profile);
  res.json({ name: profile.name, plain });
});

app.get("/greet", (req, res) => {
  res.send(ejs.render(`<h1>Hello ${req.query.name}</h1>`)); // expect: template-injection
  res.send(ejs.render(PAGE, { name: req.query.name }));
});

app.post("/footer", (req, res) => {
  const custom = _.template(req.body.footer); // expect: template-injection
  res.send(custom({}) + footer({ owner: req.body.owner }));
});

module.exports = app;
