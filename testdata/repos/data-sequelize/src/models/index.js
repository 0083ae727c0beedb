const { Sequelize, DataTypes, Model } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL, { logging: false, pool: { max: 10 } });

class Customer extends Model {}
Customer.init(
  {
    email: { type: DataTypes.STRING, allowNull: false, unique: true },
  },
  { sequelize, modelName: 'Customer' },
);

const Order = sequelize.define(
  'Order',
  {
    customerId: { type: DataTypes.INTEGER, allowNull: false, references: { model: Customer, key: 'id' } },
    status: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'open' },
    totalCents: { type: DataTypes.INTEGER, allowNull: false },
    channel: { type: DataTypes.STRING(16) },
  },
  { indexes: [{ fields: ['createdAt'] }, { fields: ['channel', 'createdAt'] }] },
);

Order.belongsTo(Customer, { foreignKey: 'customerId' });
Customer.hasMany(Order, { foreignKey: 'customerId' });

module.exports = { sequelize, Customer, Order };
