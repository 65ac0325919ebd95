from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "ura.demo"
    label = "demo"
    verbose_name = "Demo data"
