// Next.js route: renders a preview from a template posted by the client.
import ejs from "ejs";
import { NextResponse } from "next/server";

const CARD = "<div class='card'><%= title %></div>";

export async function POST(request: Request) {
  const { template, title } = await request.json();
  const html = ejs.render(template, { title }); // expect: template-injection
  const fixed = ejs.render(CARD, { title });
  return new NextResponse(html + fixed, { headers: { "content-type": "text/html" } });
}
