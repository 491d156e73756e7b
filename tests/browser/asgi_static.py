"""The project's ASGI application with static files served in front of it, as `runserver` does.

Plain daphne serves no static files; the browser tests need the page's CSS and JS from the same process.
"""

from django.contrib.staticfiles.handlers import ASGIStaticFilesHandler

from imgmvp_site.asgi import application as project_application

application = ASGIStaticFilesHandler(project_application)
