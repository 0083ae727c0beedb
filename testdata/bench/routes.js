const Router = require("@koa/router");
const bcrypt = require("bcrypt");
const jwt = require("jsonwebtoken");
const { users } = require("./db");

const router = new Router({ prefix: "/api/v1" });

router.post("/login", async (ctx) => {
  const { email, password } = ctx.request.body;
  const user = await users.findOne({ where: { email } });
  if (!user || !(await bcrypt.compare(password, user.passwordHash))) {
    ctx.status = 401;
    return;
  }
  ctx.body = {
    token: jwt.sign({ sub: user.id }, process.env.JWT_SECRET, { algorithm: "HS256", expiresIn: "1h" }),
  };
});

router.get("/me", requireAuth, async (ctx) => {
  ctx.body = await users.findByPk(ctx.state.user.sub, { attributes: ["id", "email"] });
});

function requireAuth(ctx, next) {
  const header = ctx.get("authorization") || "";
  try {
    ctx.state.user = jwt.verify(header.replace(/^Bearer /, ""), process.env.JWT_SECRET, { algorithms: ["HS256"] });
  } catch {
    ctx.throw(401);
  }
  return next();
}

module.exports = router;
