# Talking with a care coordinator: what the patient sees when their case is
# with the coordinator queue.

handoff-opened =
    <b>You are now connected with the CancerFax care team.</b>
    Your reference is <b>{ $reference }</b>. Write your message here: a care coordinator will read it and reply in this chat.
handoff-already-open =
    You are already connected with the care team (reference <b>{ $reference }</b>). Just write your message here.
handoff-coordinator-joined = A care coordinator has joined your conversation and will reply here.
handoff-off-hours =
    Thank you, your message has been received. Our care coordinators are not at work right now; they will reply from { $opens } (time in { $zone }).
handoff-closed =
    Your conversation with the care team has been closed. If you write here again, we will reopen it.

    How helpful was this conversation? Please rate it from 1 (not helpful) to 5 (very helpful).
handoff-rating-thanks = Thank you for your rating.
handoff-reopened = Your conversation with the care team has been reopened (reference <b>{ $reference }</b>). A care coordinator will reply here.
handoff-not-delivered = Sorry, your message could not be passed on. Please try again in a few minutes.
