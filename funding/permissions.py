"""A coach sees their own stipend; EEC staff see every coach's. Nobody else sees an amount."""

import rules

from pac.permissions import is_eec_staff

rules.add_perm("funding.view_all_stipends", is_eec_staff)
