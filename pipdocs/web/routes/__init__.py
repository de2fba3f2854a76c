"""The service's routes, one router per resource: the signing ceremony behind each link, HR's
login, HR's pages, and the JSON API for HR systems."""
