"""Awards: allocating a call's fixed fund to its ranked applications (reproducibly, with a reason for each), the
committee's decisions and appeals, and the disbursement of awards in tranches through a ledger."""
