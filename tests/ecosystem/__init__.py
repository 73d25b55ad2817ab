"""Tests of CI integrations, interchange formats, the HTML report and the API."""
