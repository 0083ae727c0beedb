import { Router } from 'express';

const router = Router();

router.post('/', async (req, res) => {
  const { email, password } = req.body;
  console.log('login attempt', email);  // expect: print-in-service-code
  req.log.info({ email, password }, 'login attempt');  // expect: secret-logged
  req.log.info({ email, passwordLength: password.length }, 'login attempt');
  const accessToken = await issue(email);
  req.log.debug(`issued ${accessToken}`);  // expect: secret-logged
  req.log.info({ email, tokenType: 'bearer' }, 'token issued');
  res.status(201).json({ accessToken });
});

export default router;
