CREATE TABLE `ingest_batches` (
	`tenant_id` text NOT NULL,
	`batch_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`response` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `batch_id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `ingest_batches_created_idx` ON `ingest_batches` (`created_at`);--> statement-breakpoint
CREATE TABLE `prefixes` (
	`id` text PRIMARY KEY NOT NULL,
	`tenant_id` text NOT NULL,
	`prefix` text NOT NULL,
	`customer` text NOT NULL,
	`created_at` integer NOT NULL,
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `prefixes_tenant_prefix_idx` ON `prefixes` (`tenant_id`,`prefix`);--> statement-breakpoint
ALTER TABLE `tenants` ADD `shards` integer DEFAULT 4 NOT NULL;--> statement-breakpoint
ALTER TABLE `tenants` ADD `prefixes_version` integer DEFAULT 0 NOT NULL;