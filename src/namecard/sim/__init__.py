"""Emulators of the LINE platform, the Gemini API and the Notion API, spoken to over real HTTP."""
