# Talking with a CancerFax coordinator (non-clinical staff, not doctors): what
# the patient sees when their case is
# with the coordinator queue.

handoff-opened =
    <b>You are now connected with the CancerFax coordinators.</b>
    Your reference is <b>{ $reference }</b>. Write your message here: a coordinator will read it and reply in this chat. The coordinators are not doctors: they help organise your medical records and your communication with hospitals.
handoff-already-open =
    You are already connected with the CancerFax coordinators (reference <b>{ $reference }</b>). Just write your message here.
handoff-coordinator-joined = A CancerFax coordinator has joined your conversation and will reply here.
handoff-off-hours =
    Thank you, your message has been received. Our coordinators are not at work right now; they are back on { $opens }.
handoff-closed =
    Your conversation with the CancerFax coordinators has been closed. If you write here again, we will reopen it.

    How helpful was this conversation? Please rate it from 1 (not helpful) to 5 (very helpful).
handoff-rating-thanks = Thank you for your rating.
handoff-reopened = Your conversation with the CancerFax coordinators has been reopened (reference <b>{ $reference }</b>). A coordinator will reply here.
handoff-not-delivered = Sorry, your message could not be passed on. Please try again in a few minutes.
