"""The front end served by the API: the app and editor pages, link previews of shared stations, the API docs."""
