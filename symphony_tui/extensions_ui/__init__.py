"""Extensions in the running workbench: the UiPort over real widgets (``app_ui``), the permission prompt
(``prompter``), the controller that runs the ExtensionsService in the app (``controller``), the Extensions
panel (``panel``), its commands (``commands``) and ``ext dev`` reloading (``dev``)."""
