-- 002: how far each source's crawl has got, per body; written with the load that
-- brought the meetings, so a run that dies does not move it.
CREATE TABLE watermarks (
    source            VARCHAR NOT NULL,
    body              VARCHAR NOT NULL,
    last_meeting_date DATE NOT NULL,
    updated_at        TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (source, body)
);
