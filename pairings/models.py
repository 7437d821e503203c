"""CT–Mentee and CA–MA pairs and the matching that proposes them. Models arrive with their issue."""
