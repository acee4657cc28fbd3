-- Reports over a period (the meeting tables, the work reports) find the requests with an inquiry
-- asked in it through this index instead of reading every inquiry the desk ever logged.
CREATE INDEX inquiries_asked ON inquiries (asked_at);
