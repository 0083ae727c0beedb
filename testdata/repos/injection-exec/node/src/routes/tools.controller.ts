// Admin tools (NestJS): diagnostics.
import { Body, Controller, Get, Post, Query } from "@nestjs/common";
import { execSync, execFileSync } from "node:child_process";

@Controller("tools")
export class ToolsController {
  @Get("dns")
  lookup(@Query("host") host: string) {
    const out = execSync(`nslookup ${host}`); // expect: command-injection
    const safe = execFileSync("nslookup", ["--", host]);
    return { out: out.toString(), safe: safe.toString() };
  }

  @Post("run")
  run(@Body() body: { program: string; args: string[] }) {
    return execFileSync(body.program, body.args).toString(); // expect: command-injection
  }
}
