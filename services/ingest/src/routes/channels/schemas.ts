import { Type } from 'typebox';
import { CreateNotificationChannel, ErrorResponse, NotificationChannel, NotificationChannelList, UpdateNotificationChannel } from '@memsight/contracts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse };
const ChannelParams = Type.Object({ channelId: Type.String({ format: 'uuid' }) });

export const listChannelsSchema = { tags: ['channels'], summary: 'Where alert emails go', response: { 200: NotificationChannelList, ...errors } };
export const createChannelSchema = { tags: ['channels'], summary: 'Add an email recipient', body: CreateNotificationChannel, response: { 201: NotificationChannel, ...errors } };
export const updateChannelSchema = { tags: ['channels'], summary: 'Change a channel', params: ChannelParams, body: UpdateNotificationChannel, response: { 200: NotificationChannel, ...errors } };
export const deleteChannelSchema = { tags: ['channels'], summary: 'Remove a channel', params: ChannelParams, response: { 204: Type.Null(), ...errors } };
