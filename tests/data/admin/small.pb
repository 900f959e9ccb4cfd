META
key;value
description;Small test election
country;United Kingdom
unit;Poets Streets
instance;2026
num_projects;4
num_votes;6
budget;10000
vote_type;approval
rule;greedy
currency;GBP
date_begin;01.11.2026
date_end;14.11.2026
PROJECTS
project_id;cost;votes;name
P1;6000;4;"Play area; swings"
P2;3000;3;Benches
P3;4000;4;Trees
P4;1000;1;Bike rack
VOTES
voter_id;vote
v1;P1,P2
v2;P1,P3
v3;P1,P2
v4;P1,P3,P4
v5;P2,P3
v6;P3
