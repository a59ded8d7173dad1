-- Indexes of an interval file, built after the rows are loaded (faster than row by row).
-- Exact IP and CIDR searches are BLOB ranges on ip_a / ip_b; port searches use port_a / port_b.
CREATE INDEX session_by_ip_a ON session (ip_a);
CREATE INDEX session_by_ip_b ON session (ip_b);
CREATE INDEX session_by_port_a ON session (port_a);
CREATE INDEX session_by_port_b ON session (port_b);
