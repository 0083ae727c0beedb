const Koa = require('koa');
const bodyParser = require('koa-bodyparser');
const notes = require('./routes/notes');

const app = new Koa();

app.use(bodyParser());
app.use(notes.routes());
app.use(notes.allowedMethods());

app.listen(Number(process.env.PORT || 3000));
