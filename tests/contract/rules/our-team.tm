// our rules
