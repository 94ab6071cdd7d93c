"""Business ideas: what a person who trained sets out to build — the sector (ISIC Rev. 4), a business-model canvas, a
team and an investment plan whose requested amount follows from its lines — drafted, revised in versions, submitted."""
