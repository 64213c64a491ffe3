"""The contributor's tools: archive a new article (add), list what is left to record (todo), and check the
package's quotes against one's own copy of an article (verify). Imports schemas only."""
