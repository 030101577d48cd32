-- Which worker of a pre-forking server an instance is (gunicorn:master,
-- gunicorn:<pid>, uwsgi:<n>, cluster:<n>, pm2:<n>): the dashboard shows it
-- beside host:pid so a leaking worker is recognisable among its siblings.
ALTER TABLE "instances" ADD COLUMN "worker" TEXT;
