import express from 'express';
import usersRouter from './routes/users.js';
import profilesRouter from './routes/profiles.js';

const app = express();

app.use(express.json());
app.use('/users', usersRouter);
app.use('/userProfiles', profilesRouter);

const port = Number(process.env.PORT ?? 3000);
app.listen(port, () => console.log(`listening on ${port}`));
