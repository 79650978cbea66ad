"""Published versions: named, dated, frozen copies of a controller's register."""
