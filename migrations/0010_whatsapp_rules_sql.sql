-- Broadcasts composed before delivery modes existed: one with a template went to everyone as the template.
UPDATE broadcasts SET delivery = 'template' WHERE template IS NOT NULL;
