'use strict';

/** @type {import('sequelize-cli').Migration} */
module.exports = {
  async up(queryInterface, Sequelize) {
    await queryInterface.addColumn('Orders', 'channel', { type: Sequelize.STRING(16), allowNull: true });
    await queryInterface.addIndex('Orders', ['channel', 'createdAt'], { concurrently: true });
  },

  async down(queryInterface, Sequelize) { // expect: migration-without-down
    /**
     * Add reverting commands here.
     *
     * Example:
     * await queryInterface.dropTable('users');
     */
  },
};
