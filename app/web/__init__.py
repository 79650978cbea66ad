"""Pages for people: the notice rendered from the register, the embeddable
recipient list and the data-flow diagram."""
