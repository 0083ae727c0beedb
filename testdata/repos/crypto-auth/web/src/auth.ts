import crypto from "node:crypto";
import jwt from "jsonwebtoken";
import { SignJWT, jwtVerify, createRemoteJWKSet } from "jose";
import type { NextFunction, Request, Response } from "express";

const JWKS = createRemoteJWKSet(new URL(process.env.JWKS_URL!));

export function trustingAuth(req: Request, res: Response, next: NextFunction) {
  const token = req.headers.authorization?.replace("Bearer ", "") ?? "";
  const payload = jwt.decode(token) as { sub: string } | null; // expect: jwt-verification-disabled
  if (!payload) return res.status(401).end();
  req.user = { id: payload.sub };
  next();
}

export async function verifyingAuth(req: Request, res: Response, next: NextFunction) {
  const token = req.headers.authorization?.replace("Bearer ", "") ?? "";
  const { payload } = await jwtVerify(token, JWKS, { algorithms: ["RS256"] });
  req.user = { id: payload.sub! };
  next();
}

export function issueToken(userId: string): string {
  return jwt.sign({ sub: userId }, process.env.JWT_SECRET!); // expect: jwt-without-expiry
}

export async function issueSession(userId: string, key: Uint8Array): Promise<string> {
  return new SignJWT({ sub: userId }).setProtectedHeader({ alg: "HS256" }).setExpirationTime("2h").sign(key);
}

export function createApiKey(): string {
  return "ak_" + Math.random().toString(36).slice(2); // expect: insecure-random-token
}

export function createSessionId(): string {
  return crypto.randomBytes(32).toString("base64url");
}

export function hashPassword(password: string): string {
  return crypto.createHash("md5").update(password).digest("hex"); // expect: weak-password-hash
}

export function encryptNote(note: string, key: Buffer) {
  const legacy = crypto.createCipheriv("des-ede3-cbc", key.subarray(0, 24), crypto.randomBytes(8)); // expect: weak-cipher
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", key, iv);
  return { legacy: legacy.update(note, "utf8", "hex"), data: cipher.update(note, "utf8", "hex"), tag: cipher.getAuthTag() };
}

export function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 100 + Math.random() * 100));
}
