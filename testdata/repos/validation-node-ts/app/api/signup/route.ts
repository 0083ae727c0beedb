import { NextResponse } from 'next/server';
import { z } from 'zod';
import { prisma } from '@/lib/prisma';

const Signup = z.object({ email: z.string().email(), password: z.string().min(12) });

// Bad: the JSON body spread into the new row.
export async function POST(request: Request) {
  const body = await request.json();
  const user = await prisma.user.create({ data: { ...body, plan: 'free' } }); // expect: mass-assignment
  return NextResponse.json({ id: user.id }, { status: 201 });
}

// Fix: safeParse, then write the parsed fields.
export async function PUT(request: Request) {
  const parsed = Signup.safeParse(await request.json());
  if (!parsed.success) {
    return NextResponse.json(parsed.error.flatten(), { status: 400 });
  }
  const user = await prisma.user.create({ data: { email: parsed.data.email, password: await hash(parsed.data.password) } });
  return NextResponse.json({ id: user.id }, { status: 201 });
}
