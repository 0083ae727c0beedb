const express = require('express');
const helmet = require('helmet');
const rateLimit = require('express-rate-limit');
const passport = require('passport');
const { Strategy, ExtractJwt } = require('passport-jwt');
const swaggerJsdoc = require('swagger-jsdoc');
const swaggerUi = require('swagger-ui-express');
const orders = require('./orders');

passport.use(
  new Strategy(
    { jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(), secretOrKey: process.env.JWT_SECRET },
    (payload, done) => done(null, { id: payload.sub }),
  ),
);

const app = express();
app.use(helmet());
app.use(express.json({ limit: '100kb' }));
app.use(rateLimit({ windowMs: 60_000, limit: 100, standardHeaders: true, legacyHeaders: false }));

const spec = swaggerJsdoc({
  definition: { openapi: '3.0.3', info: { title: 'Shop orders', version: '1.0.3' } },
  apis: ['./src/orders.js'],
});
app.use('/docs', swaggerUi.serve, swaggerUi.setup(spec));

app.get('/healthz', (req, res) => res.json({ status: 'ok' }));
app.use('/api/v1/orders', passport.authenticate('jwt', { session: false }), orders);

const port = Number(process.env.PORT || 3000);
app.listen(port, () => console.log(`shop-orders listening on ${port}`));
