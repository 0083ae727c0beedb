const knex = require('knex');
const config = require('../knexfile');

// One pool for the process.
module.exports = knex(config);
