import Router from '@koa/router';
import Joi from 'joi';
import { Profile } from '../models/profile';

export const router = new Router();

const ProfileChanges = Joi.object({ bio: Joi.string().max(500), website: Joi.string().uri() });

// Bad: Sequelize instance updated with the whole body.
router.put('/profile', async (ctx) => {
  const profile = await Profile.findByPk(ctx.state.user.id);
  await profile.update(ctx.request.body); // expect: mass-assignment
  ctx.body = profile;
});

// Fix: joi validates the body (unknown keys rejected) before the update.
router.put('/v2/profile', async (ctx) => {
  const changes = await ProfileChanges.validateAsync(ctx.request.body);
  const profile = await Profile.findByPk(ctx.state.user.id);
  await profile.update(changes);
  ctx.body = profile;
});
