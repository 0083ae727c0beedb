const express = require("express");
const helmet = require("helmet");
const rateLimit = require("express-rate-limit");
const session = require("express-session");
const RedisStore = require("connect-redis").default;
const { createClient } = require("redis");
const passport = require("passport");

const documents = require("./documents");
const previews = require("./previews");
const users = require("./users");

const redis = createClient({ url: process.env.REDIS_URL });
redis.connect().catch(console.error);

const app = express();
app.use(helmet());
app.use(express.json());
app.use(rateLimit({ windowMs: 60_000, limit: 100 }));
app.use(
  session({
    store: new RedisStore({ client: redis }),
    secret: process.env.SESSION_SECRET,
    resave: false,
    saveUninitialized: false,
    cookie: { secure: true, httpOnly: true, sameSite: "lax" },
  }),
);
app.use(passport.session());

app.get("/healthz", (req, res) => res.send("ok"));
app.use("/api/v1/documents", passport.authenticate("session"), documents);
app.use("/api/v1/previews", passport.authenticate("session"), previews);
app.use("/api/v1/users", passport.authenticate("session"), users);

app.listen(3000);
