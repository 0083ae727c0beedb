INSERT INTO users (email, password_hash) VALUES
  ('ops@acme.io', '$2b$12$UrQdMftdK7Z9Z2AOyxpz.Yyj1v3X.n7e90me.BU/vs7PeHZXTPlbl'),
  ('bot@acme.io', '$argon2id$v=19$m=65536,t=3,p=4$I9eMRj2vwm+Ng/QTNAhw4w$DwFWd0iteWMxzmc4u/I3dMfuRTRc5V1H/wVb0QGvf1Y');
