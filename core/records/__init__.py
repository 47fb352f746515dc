"""Records every plugin builds on: countries and regions, controlled vocabularies, defenders, assignments."""
