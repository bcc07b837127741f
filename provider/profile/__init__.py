"""The provider's own identity: the name, address, ICO registration and contact point printed on
every notice and ICO form. One row per deployment; documents read it at generation time and keep
the snapshot they used."""
