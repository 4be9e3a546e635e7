"""GET /api/v1/docs/: Swagger UI, under the site's Content-Security-Policy.

drf-spectacular's default view writes its start-up script into the page (an inline
<script>, which the policy refuses); its split view serves that script as a response of
its own (`?script`), loaded by <script src>. Our template moves the page's inline <style>
into static/kotae/api-docs.css. Swagger UI's stylesheet draws its icons as data: SVG
images, so this page alone may load data: images.
"""
from csp.decorators import csp_update
from django.utils.decorators import method_decorator
from drf_spectacular.views import SpectacularSwaggerSplitView


@method_decorator(csp_update({"img-src": ["data:"]}), name="dispatch")
class ApiDocsView(SpectacularSwaggerSplitView):
    template_name = "api/docs.html"
