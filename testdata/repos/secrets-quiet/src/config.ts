export const config = {
  stripeKey: process.env.STRIPE_SECRET_KEY,
  jwtSecret: process.env.JWT_SECRET ?? "",
  sessionSecret: process.env.SESSION_SECRET!,
  apiToken: "${API_TOKEN}",
  passwordField: "password",
  tokenHeader: "Authorization",
  clientSecret: "YOUR_CLIENT_SECRET",
  publishableKey: "pk_live_H25XqjmQljf2C2DXTtj2u1ls",
  buildSha: "d22cacf3000baccbb1fc23e09b777df129c2706c",
  correlationId: "7bbfbe20-57de-4dab-8f81-944ca6b6b6d5",
};

export const dummyToken = "dummy";
export const placeholderPassword = "****";
