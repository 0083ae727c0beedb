import passport from "passport";
import { ExtractJwt, Strategy } from "passport-jwt";

passport.use(
  new Strategy(
    { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: process.env.JWT_SECRET },
    (payload: { sub: string }, done) => done(null, { id: payload.sub }),
  ),
);

export const requireAuth = passport.authenticate("jwt", { session: false });
