"""The app's stylesheet, kept in Python so that every install (wheel or editable) has it."""

CSS = """
Screen { layout: vertical; }
#main { height: 1fr; }
#left { width: 4fr; min-width: 40; }
#agenda { height: 2fr; border: round $primary; border-title-color: $accent; }
#reminders { height: 1fr; border: round $secondary; border-title-color: $accent; }
#tasks { width: 7fr; height: 1fr; border: round $primary; border-title-color: $accent; }
DataTable:focus { border: round $accent; }
#chat { width: 2fr; min-width: 36; border: round $accent; border-title-color: $accent; }
#chat-log { height: 1fr; }
#chat-input { dock: bottom; }
.bubble { margin: 0 0 1 0; }
.bubble.you { color: $text-muted; }
.card { border: tall $success; padding: 0 1; margin: 0 1 1 1; }
.choices { height: auto; margin: 0 0 1 0; }
.choices Button { margin: 0 1; }
#quickadd { height: auto; border: round $accent; padding: 0 1; }
#quick-preview { height: auto; color: $text-muted; }
#status { height: 1; background: $panel; }
.hidden { display: none; }
FormScreen, ChoiceScreen, PickScreen, HelpScreen { align: center middle; }
#dialog { width: 70; height: auto; max-height: 90%; border: thick $accent; padding: 1 2;
          background: $surface; }
#dialog OptionList { height: auto; max-height: 20; }
#form-error { height: auto; margin: 1 0 0 0; }
.buttons { height: auto; margin: 1 0 0 0; }
.buttons Button { margin: 0 1 0 0; }
"""
